// What the backend knows about the compiled blocks: where each (pc, flags)
// lives, the jump sites that want to go there (chaining), the inline
// indirect-branch table, and the host pc ranges of guest memory accesses.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "backend/x64/jit_abi.h"

namespace ferry::x64 {

struct BlockKey {
    uint64_t pc;
    uint64_t flags;
    bool operator==(const BlockKey&) const = default;
};

struct BlockKeyHash {
    size_t operator()(const BlockKey& k) const { return k.pc * 0x9E3779B97F4A7C15ull ^ k.flags; }
};

// A place in translated code that can point straight at a block: a jmp/jcc
// rel32 to the block's entry, or a mov imm64 of its address (return stack).
struct LinkSite {
    enum class Kind : uint8_t { Rel32, Abs64 };
    Kind kind;
    uint8_t* field;            // the rel32 or imm64 to rewrite (naturally aligned)
    const void* unlinked;      // where it points while the target is not compiled
    BlockKey target;
};

// A guest memory access emitted inline: a fault at a host pc in [begin, end)
// belongs to the guest instruction at guest_pc.
struct AccessRecord {
    uintptr_t begin;
    uintptr_t end;
    uint64_t guest_pc;
};

class BlockTable {
public:
    explicit BlockTable(bool chaining);

    const void* find(const BlockKey& key) const;
    // Registers a compiled block with its outgoing link sites and memory accesses
    // (in host address order, after every earlier block's), links every site
    // that wants it and enters it into the indirect table.
    void add(const BlockKey& key, uint64_t end_pc, const void* entry, std::vector<LinkSite> sites,
             std::vector<AccessRecord> accesses);
    // Forgets the blocks overlapping guest [lo, hi) and unlinks the jumps into them.
    void invalidate(uint64_t lo, uint64_t hi);
    // The same for the blocks whose key `doomed` picks.
    void invalidate_if(const std::function<bool(const BlockKey&)>& doomed);
    void clear();

    bool guest_pc_for_host_pc(uintptr_t host_pc, uint64_t& guest_pc) const;
    const abi::IndirectEntry* indirect_table() const { return indirect_.get(); }
    uint64_t chained_links() const { return chained_links_; }

private:
    struct BlockInfo {
        const void* entry;
        uint64_t end_pc;
        std::vector<size_t> outgoing;   // indices into sites_
    };
    void forget(const BlockKey& key);
    void link(LinkSite& site, const void* target);
    void unlink(LinkSite& site);
    void clear_indirect();

    bool chaining_;
    std::unordered_map<BlockKey, BlockInfo, BlockKeyHash> blocks_;
    std::set<std::pair<uint64_t, uint64_t>> by_pc_;  // the keys of blocks_ as (pc, flags), for range invalidation
    std::vector<LinkSite> sites_;
    std::vector<size_t> free_sites_;
    std::unordered_map<BlockKey, std::vector<size_t>, BlockKeyHash> sites_by_target_;
    std::vector<AccessRecord> accesses_;
    std::unique_ptr<abi::IndirectEntry[]> indirect_;
    uint64_t chained_links_ = 0;
};

}  // namespace ferry::x64
