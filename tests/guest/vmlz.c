// Interpreter-and-compression workload for tests and benchmarks: a small
// stack-machine bytecode interpreter (switch dispatch: indirect branches,
// the worst case for a translator) runs a Collatz search and a sum of GCDs,
// and an LZ77 compressor/decompressor round-trips generated text.
// `vmlz N` scales the work linearly; the output depends only on N.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---- bytecode interpreter ----

enum op { PUSH, LOAD, STORE, ADD, MUL, DIVU, MODU, SHR, AND, LT, EQ, JMP, JZ, HALT, LABEL };

struct insn {
    uint8_t op;
    int64_t arg;  // constant, variable index, or label number (JMP, JZ, LABEL)
};

// Replaces label numbers in jumps with instruction indices and removes the
// LABEL pseudo-instructions, in place.
static void resolve_labels(struct insn *code, size_t n) {
    int64_t where[32];
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        if (code[i].op == LABEL) where[code[i].arg] = (int64_t)out;
        else out++;
    }
    out = 0;
    for (size_t i = 0; i < n; i++) {
        if (code[i].op == LABEL) continue;
        code[out] = code[i];
        if (code[out].op == JMP || code[out].op == JZ) code[out].arg = where[code[out].arg];
        out++;
    }
}

static int64_t run(const struct insn *code, int64_t *vars) {
    int64_t stack[16];
    int sp = 0;
    for (size_t pc = 0;;) {
        const struct insn *in = &code[pc++];
        switch (in->op) {
        case PUSH: stack[sp++] = in->arg; break;
        case LOAD: stack[sp++] = vars[in->arg]; break;
        case STORE: vars[in->arg] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case DIVU: sp--; stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] / (uint64_t)stack[sp]); break;
        case MODU: sp--; stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] % (uint64_t)stack[sp]); break;
        case SHR: sp--; stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] >> stack[sp]); break;
        case AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case JMP: pc = (size_t)in->arg; break;
        case JZ: if (stack[--sp] == 0) pc = (size_t)in->arg; break;
        case HALT: return stack[sp - 1];
        }
    }
}

// Longest Collatz chain for n < limit: returns steps * 1000000 + n.
enum { N, LIMIT, X, STEPS, BEST, BEST_N };
enum { OUTER, INNER, STEP, EVEN, COUNT, END, NEXT, DONE };
static struct insn collatz[] = {
    {PUSH, 1}, {STORE, N},
    {LABEL, OUTER}, {LOAD, N}, {LOAD, LIMIT}, {LT, 0}, {JZ, DONE},
    {LOAD, N}, {STORE, X}, {PUSH, 0}, {STORE, STEPS},
    {LABEL, INNER}, {LOAD, X}, {PUSH, 1}, {EQ, 0}, {JZ, STEP}, {JMP, END},
    {LABEL, STEP}, {LOAD, X}, {PUSH, 1}, {AND, 0}, {JZ, EVEN},
    {LOAD, X}, {PUSH, 3}, {MUL, 0}, {PUSH, 1}, {ADD, 0}, {STORE, X}, {JMP, COUNT},
    {LABEL, EVEN}, {LOAD, X}, {PUSH, 1}, {SHR, 0}, {STORE, X},
    {LABEL, COUNT}, {LOAD, STEPS}, {PUSH, 1}, {ADD, 0}, {STORE, STEPS}, {JMP, INNER},
    {LABEL, END}, {LOAD, BEST}, {LOAD, STEPS}, {LT, 0}, {JZ, NEXT},
    {LOAD, STEPS}, {STORE, BEST}, {LOAD, N}, {STORE, BEST_N},
    {LABEL, NEXT}, {LOAD, N}, {PUSH, 1}, {ADD, 0}, {STORE, N}, {JMP, OUTER},
    {LABEL, DONE}, {LOAD, BEST}, {PUSH, 1000000}, {MUL, 0}, {LOAD, BEST_N}, {ADD, 0}, {HALT, 0},
};

// Sum over 1 <= i < limit of gcd(i, 102947 % i + i / 3 + 1), by Euclid.
enum { I, LIM, A, B, SUM };
enum { LOOP, GCD, GCD_DONE, FINISH };
static struct insn gcd_sum[] = {
    {PUSH, 1}, {STORE, I}, {PUSH, 0}, {STORE, SUM},
    {LABEL, LOOP}, {LOAD, I}, {LOAD, LIM}, {LT, 0}, {JZ, FINISH},
    {LOAD, I}, {STORE, A},
    {PUSH, 102947}, {LOAD, I}, {MODU, 0}, {LOAD, I}, {PUSH, 3}, {DIVU, 0}, {ADD, 0},
    {PUSH, 1}, {ADD, 0}, {STORE, B},
    {LABEL, GCD}, {LOAD, B}, {JZ, GCD_DONE},
    {LOAD, A}, {LOAD, B}, {MODU, 0}, {LOAD, B}, {STORE, A}, {STORE, B}, {JMP, GCD},
    {LABEL, GCD_DONE}, {LOAD, SUM}, {LOAD, A}, {ADD, 0}, {STORE, SUM},
    {LOAD, I}, {PUSH, 1}, {ADD, 0}, {STORE, I}, {JMP, LOOP},
    {LABEL, FINISH}, {LOAD, SUM}, {HALT, 0},
};

// ---- LZ77 ----
// Tokens: a byte c < 128 is followed by c + 1 literal bytes; c >= 128 is a
// match of c - 128 + 3 bytes at the 16-bit little-endian distance after it.

enum { MIN_MATCH = 3, MAX_MATCH = 127 + MIN_MATCH, WINDOW = 65535, HASH_BITS = 15 };

static size_t lz_compress(const uint8_t *in, size_t n, uint8_t *out) {
    static int64_t head[1 << HASH_BITS];
    for (size_t i = 0; i < (1u << HASH_BITS); i++) head[i] = -1;
    size_t o = 0, lit_start = 0, i = 0;
    while (i < n) {
        size_t best_len = 0, best_dist = 0;
        if (i + MIN_MATCH <= n) {
            uint32_t h = ((uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2]) * 2654435761u >> (32 - HASH_BITS);
            int64_t cand = head[h];
            head[h] = (int64_t)i;
            if (cand >= 0 && i - (size_t)cand <= WINDOW) {
                size_t len = 0;
                while (i + len < n && len < MAX_MATCH && in[cand + len] == in[i + len]) len++;
                if (len >= MIN_MATCH) best_len = len, best_dist = i - (size_t)cand;
            }
        }
        if (best_len == 0) {
            i++;
            if (i - lit_start == 128 || i == n) {
                out[o++] = (uint8_t)(i - lit_start - 1);
                memcpy(out + o, in + lit_start, i - lit_start);
                o += i - lit_start;
                lit_start = i;
            }
            continue;
        }
        if (i > lit_start) {
            out[o++] = (uint8_t)(i - lit_start - 1);
            memcpy(out + o, in + lit_start, i - lit_start);
            o += i - lit_start;
        }
        out[o++] = (uint8_t)(128 + best_len - MIN_MATCH);
        out[o++] = (uint8_t)best_dist;
        out[o++] = (uint8_t)(best_dist >> 8);
        i += best_len;
        lit_start = i;
    }
    return o;
}

static size_t lz_decompress(const uint8_t *in, size_t n, uint8_t *out) {
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        uint8_t c = in[i++];
        if (c < 128) {
            memcpy(out + o, in + i, c + 1u);
            o += c + 1u;
            i += c + 1u;
        } else {
            size_t len = c - 128u + MIN_MATCH, dist = in[i] | (size_t)in[i + 1] << 8;
            i += 2;
            for (size_t k = 0; k < len; k++, o++) out[o] = out[o - dist];  // may overlap
        }
    }
    return o;
}

static uint64_t fnv1a(const uint8_t *p, size_t n) {
    uint64_t h = 0xcbf29ce484222325ull;
    while (n--) h = (h ^ *p++) * 0x100000001b3ull;
    return h;
}

// Text of random words from a small vocabulary, with a seeded generator.
static size_t make_text(uint8_t *buf, size_t n, uint32_t seed) {
    static const char *const words[] = {"ferry", "river", "bank", "boat", "water", "crossing", "the",
                                        "a", "of", "and", "to", "translator", "block", "register",
                                        "branch", "memory", "guest", "host", "instruction", "cache"};
    size_t o = 0;
    uint32_t s = seed;
    while (o + 16 < n) {
        s = s * 1103515245u + 12345u;
        const char *w = words[(s >> 16) % 20];
        size_t len = strlen(w);
        memcpy(buf + o, w, len);
        o += len;
        buf[o++] = (s >> 8) % 11 == 0 ? '\n' : ' ';
    }
    return o;
}

int main(int argc, char **argv) {
    long scale = argc > 1 ? atol(argv[1]) : 1;
    if (scale < 1) scale = 1;
    resolve_labels(collatz, sizeof collatz / sizeof collatz[0]);
    resolve_labels(gcd_sum, sizeof gcd_sum / sizeof gcd_sum[0]);

    enum { TEXT = 1 << 20 };
    uint8_t *text = malloc(TEXT), *packed = malloc(TEXT + TEXT / 64 + 16), *unpacked = malloc(TEXT);
    uint64_t mix = 0;
    for (long round = 0; round < scale; round++) {
        int64_t vars[8] = {0};
        vars[LIMIT] = 30000 + round;
        int64_t best = run(collatz, vars);
        int64_t gvars[8] = {0};
        gvars[LIM] = 40000 + round;
        int64_t gsum = run(gcd_sum, gvars);

        size_t n = make_text(text, TEXT, (uint32_t)round + 1);
        size_t packed_len = lz_compress(text, n, packed);
        size_t unpacked_len = lz_decompress(packed, packed_len, unpacked);
        int same = unpacked_len == n && memcmp(text, unpacked, n) == 0;
        uint64_t h = fnv1a(packed, packed_len);
        mix = (mix * 0x9e3779b97f4a7c15ull) ^ (uint64_t)best ^ ((uint64_t)gsum << 20) ^ h;
        if (round == 0 || round == scale - 1)
            printf("round %ld: collatz=%lld gcdsum=%lld text=%zu packed=%zu roundtrip=%s fnv=%016llx\n",
                   round, (long long)best, (long long)gsum, n, packed_len, same ? "ok" : "BAD",
                   (unsigned long long)h);
    }
    printf("vmlz %ld: %016llx\n", scale, (unsigned long long)mix);
    free(text);
    free(packed);
    free(unpacked);
    return 0;
}
