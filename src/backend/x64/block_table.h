// What the backend knows about the compiled blocks: where each (pc, flags)
// lives, the jump sites that want to go there (chaining), the inline
// indirect-branch table, and the host pc ranges of guest memory accesses.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "backend/x64/jit_abi.h"

namespace ferry::x64 {

struct BlockKey {
    uint64_t pc;
    uint64_t flags;
    bool operator==(const BlockKey&) const = default;
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
    static constexpr uint32_t kNone = ~uint32_t{0};

    // Open addressing from keys to node indices (linear probing, backward-shift
    // deletion): one probe of a flat array where a node-based map would allocate.
    class KeyIndex {
    public:
        KeyIndex() { clear(); }
        uint32_t find(const BlockKey& key) const;       // kNone if absent
        void insert(const BlockKey& key, uint32_t node);  // key absent
        void erase(const BlockKey& key);                   // key present
        void clear();

    private:
        struct Slot {
            BlockKey key;
            uint32_t node;
        };
        size_t home(const BlockKey& key) const;
        void grow();
        std::vector<Slot> slots_;  // a power of two, at most half full
        size_t count_ = 0;
    };

    // A key that is compiled, wanted by link sites, or both. Lists are
    // intrusive (indices), so adding and dropping a block allocates nothing
    // once the pools have grown.
    struct Node {
        BlockKey key;
        const void* entry;   // null while not compiled
        uint64_t end_pc;
        uint32_t outgoing;   // first of the block's own sites (Site::next_outgoing)
        uint32_t incoming;   // first site that wants this key (Site::prev/next_incoming)
        uint32_t page_prev;  // the compiled blocks of the same guest page
        uint32_t page_next;
    };
    struct Site {
        LinkSite link;
        uint32_t target;  // node
        uint32_t next_outgoing;
        uint32_t prev_incoming;
        uint32_t next_incoming;
    };

    uint32_t node_for(const BlockKey& key);  // finds or creates
    uint32_t new_site(const LinkSite& link, uint32_t from, uint32_t target);
    void detach_incoming(uint32_t site);
    void release_if_unused(uint32_t node);
    void add_to_page(uint32_t node);
    void remove_from_page(uint32_t node);
    void forget(const BlockKey& key);
    void link(LinkSite& site, const void* target);
    void unlink(LinkSite& site);
    void clear_indirect();

    bool chaining_;
    KeyIndex index_;
    std::vector<Node> nodes_;
    std::vector<uint32_t> free_nodes_;
    std::vector<Site> sites_;
    std::vector<uint32_t> free_sites_;
    std::unordered_map<uint64_t, uint32_t> page_heads_;  // guest page number -> first node, for range invalidation
    std::vector<AccessRecord> accesses_;
    std::unique_ptr<abi::IndirectEntry[]> indirect_;
    uint64_t chained_links_ = 0;
};

}  // namespace ferry::x64
