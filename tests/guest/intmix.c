// Integer-heavy workload for tests and benchmarks: a prime sieve, an
// open-addressing hash table, a merge sort and a table-driven CRC-32, mixed
// into checksums printed to stdout. `intmix N` scales the work linearly;
// the output depends only on N (same on every host).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

static uint64_t next_random(void) {  // xorshift64*
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static uint32_t count_primes(uint32_t limit) {
    uint8_t *composite = calloc(limit + 1, 1);
    uint32_t count = 0;
    for (uint32_t i = 2; i <= limit; i++) {
        if (composite[i]) continue;
        count++;
        for (uint64_t j = (uint64_t)i * i; j <= limit; j += i) composite[j] = 1;
    }
    free(composite);
    return count;
}

struct slot {
    uint64_t key;
    uint64_t value;
};

// Inserts `n` random keys (with repeats) into a table of 2^bits slots,
// counting occurrences; returns a checksum of the table.
static uint64_t hash_table_run(uint32_t n, unsigned bits) {
    size_t size = (size_t)1 << bits;
    struct slot *table = calloc(size, sizeof *table);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t key = (next_random() % (n / 2 + 1)) + 1;
        size_t at = (key * 0x9e3779b97f4a7c15ull) >> (64 - bits);
        while (table[at].key != 0 && table[at].key != key) at = (at + 1) & (size - 1);
        table[at].key = key;
        table[at].value++;
    }
    uint64_t sum = 0;
    for (size_t i = 0; i < size; i++)
        sum = sum * 31 + table[i].key * table[i].value;
    free(table);
    return sum;
}

static void merge_sort(uint32_t *a, uint32_t *tmp, size_t n) {
    if (n < 2) return;
    size_t half = n / 2;
    merge_sort(a, tmp, half);
    merge_sort(a + half, tmp, n - half);
    size_t i = 0, j = half, k = 0;
    while (i < half && j < n) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
    while (i < half) tmp[k++] = a[i++];
    while (j < n) tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

static uint32_t crc_table[256];

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (c & 1 ? 0xedb88320u : 0);
        crc_table[i] = c;
    }
}

static uint32_t crc32_bytes(const uint8_t *p, size_t n) {
    uint32_t c = 0xffffffffu;
    while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

// Sorts `n` random numbers; returns the CRC of the sorted array and checks order.
static uint32_t sort_run(size_t n, int *sorted_ok) {
    uint32_t *a = malloc(n * sizeof *a), *tmp = malloc(n * sizeof *a);
    for (size_t i = 0; i < n; i++) a[i] = (uint32_t)next_random();
    merge_sort(a, tmp, n);
    *sorted_ok = 1;
    for (size_t i = 1; i < n; i++)
        if (a[i - 1] > a[i]) *sorted_ok = 0;
    uint8_t *bytes = (uint8_t *)tmp;  // serialise little-endian for the CRC
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 4; b++) bytes[4 * i + b] = (uint8_t)(a[i] >> (8 * b));
    uint32_t crc = crc32_bytes(bytes, 4 * n);
    free(a);
    free(tmp);
    return crc;
}

int main(int argc, char **argv) {
    long scale = argc > 1 ? atol(argv[1]) : 1;
    if (scale < 1) scale = 1;
    rng_state = 0x0123456789abcdefull;
    crc_init();
    uint64_t mix = 0;
    for (long round = 0; round < scale; round++) {
        uint32_t primes = count_primes(2000000);
        uint64_t table = hash_table_run(300000, 20);
        int sorted_ok;
        uint32_t crc = sort_run(200000, &sorted_ok);
        mix = (mix ^ primes) * 0x100000001b3ull ^ table ^ ((uint64_t)crc << 17);
        if (round == 0 || round == scale - 1)
            printf("round %ld: primes=%u table=%016llx sort=%s crc=%08x\n", round, primes,
                   (unsigned long long)table, sorted_ok ? "ok" : "BAD", crc);
    }
    printf("intmix %ld: %016llx\n", scale, (unsigned long long)mix);
    return 0;
}
