#include "backend/x64/block_table.h"

#include <algorithm>
#include <cstring>

namespace ferry::x64 {

namespace {
// Never a guest pc a block has: indirect-table entries with it never match.
constexpr uint64_t kNoPc = ~uint64_t{0};
constexpr abi::IndirectEntry kEmptyEntry{kNoPc, kNoPc, nullptr, 0};
}  // namespace

BlockTable::BlockTable(bool chaining)
    : chaining_(chaining), indirect_(new abi::IndirectEntry[size_t{1} << abi::kIndirectTableBits]) {
    clear_indirect();
}

// ---- KeyIndex ------------------------------------------------------------------------

size_t BlockTable::KeyIndex::home(const BlockKey& key) const {
    const uint64_t h = (key.pc ^ key.flags * 0xC2B2AE3D27D4EB4Full) * 0x9E3779B97F4A7C15ull;
    return static_cast<size_t>(h >> 32) & (slots_.size() - 1);
}

uint32_t BlockTable::KeyIndex::find(const BlockKey& key) const {
    for (size_t i = home(key);; i = (i + 1) & (slots_.size() - 1)) {
        const Slot& slot = slots_[i];
        if (slot.node == kNone) return kNone;
        if (slot.key == key) return slot.node;
    }
}

void BlockTable::KeyIndex::insert(const BlockKey& key, uint32_t node) {
    if (2 * (count_ + 1) > slots_.size()) grow();
    size_t i = home(key);
    while (slots_[i].node != kNone) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = {key, node};
    ++count_;
}

void BlockTable::KeyIndex::erase(const BlockKey& key) {
    const size_t mask = slots_.size() - 1;
    size_t hole = home(key);
    while (!(slots_[hole].key == key && slots_[hole].node != kNone)) hole = (hole + 1) & mask;
    // Move back every later entry of the run whose home is not after the hole,
    // so that no probe sequence crosses an empty slot before its key.
    for (size_t next = (hole + 1) & mask; slots_[next].node != kNone; next = (next + 1) & mask) {
        const size_t want = home(slots_[next].key);
        const bool home_in_gap = hole <= next ? (want > hole && want <= next) : (want > hole || want <= next);
        if (home_in_gap) continue;
        slots_[hole] = slots_[next];
        hole = next;
    }
    slots_[hole].node = kNone;
    --count_;
}

void BlockTable::KeyIndex::clear() {
    slots_.assign(size_t{1} << 12, Slot{{0, 0}, kNone});
    count_ = 0;
}

void BlockTable::KeyIndex::grow() {
    std::vector<Slot> old(slots_.size() * 2, Slot{{0, 0}, kNone});
    old.swap(slots_);
    count_ = 0;
    for (const Slot& slot : old)
        if (slot.node != kNone) insert(slot.key, slot.node);
}

// ---- BlockTable -----------------------------------------------------------------------

const void* BlockTable::find(const BlockKey& key) const {
    // The indirect table holds a recent block per slot (and never a dropped one): most lookups stop there.
    abi::IndirectEntry& slot = indirect_[abi::indirect_index(key.pc)];
    if (slot.pc == key.pc && slot.flags == key.flags) return slot.code;
    const uint32_t node = index_.find(key);
    if (node == kNone || !nodes_[node].entry) return nullptr;
    // The dispatcher only sees a known block after its slot went to another
    // one: take the slot back, so that the next indirect jump there hits.
    slot = {key.pc, key.flags, nodes_[node].entry, 0};
    return nodes_[node].entry;
}

void BlockTable::link(LinkSite& site, const void* target) {
    // Each field is naturally aligned, so the rewrite is one store.
    if (site.kind == LinkSite::Kind::Rel32) {
        const auto rel = static_cast<int32_t>(reinterpret_cast<intptr_t>(target) -
                                              reinterpret_cast<intptr_t>(site.field + 4));
        __atomic_store_n(reinterpret_cast<int32_t*>(site.field), rel, __ATOMIC_RELAXED);
    } else {
        __atomic_store_n(reinterpret_cast<uint64_t*>(site.field), reinterpret_cast<uint64_t>(target),
                         __ATOMIC_RELAXED);
    }
}

void BlockTable::unlink(LinkSite& site) { link(site, site.unlinked); }

uint32_t BlockTable::node_for(const BlockKey& key) {
    if (const uint32_t found = index_.find(key); found != kNone) return found;
    const Node fresh{key, nullptr, 0, kNone, kNone, kNone, kNone};
    uint32_t node;
    if (free_nodes_.empty()) {
        node = static_cast<uint32_t>(nodes_.size());
        nodes_.push_back(fresh);
    } else {
        node = free_nodes_.back();
        free_nodes_.pop_back();
        nodes_[node] = fresh;
    }
    index_.insert(key, node);
    return node;
}

// A site of block `from` wanting `target`: first in both lists.
uint32_t BlockTable::new_site(const LinkSite& link, uint32_t from, uint32_t target) {
    const Site fresh{link, target, nodes_[from].outgoing, kNone, nodes_[target].incoming};
    uint32_t site;
    if (free_sites_.empty()) {
        site = static_cast<uint32_t>(sites_.size());
        sites_.push_back(fresh);
    } else {
        site = free_sites_.back();
        free_sites_.pop_back();
        sites_[site] = fresh;
    }
    if (fresh.next_incoming != kNone) sites_[fresh.next_incoming].prev_incoming = site;
    nodes_[target].incoming = site;
    nodes_[from].outgoing = site;
    return site;
}

void BlockTable::detach_incoming(uint32_t site) {
    const Site& s = sites_[site];
    if (s.prev_incoming != kNone) sites_[s.prev_incoming].next_incoming = s.next_incoming;
    else nodes_[s.target].incoming = s.next_incoming;
    if (s.next_incoming != kNone) sites_[s.next_incoming].prev_incoming = s.prev_incoming;
}

// A key neither compiled nor wanted leaves the index.
void BlockTable::release_if_unused(uint32_t node) {
    if (nodes_[node].entry || nodes_[node].incoming != kNone) return;
    index_.erase(nodes_[node].key);
    free_nodes_.push_back(node);
}

void BlockTable::add_to_page(uint32_t node) {
    const uint64_t page = nodes_[node].key.pc >> 12;
    auto [head, inserted] = page_heads_.try_emplace(page, node);
    nodes_[node].page_prev = kNone;
    nodes_[node].page_next = inserted ? kNone : head->second;
    if (!inserted) {
        nodes_[head->second].page_prev = node;
        head->second = node;
    }
}

void BlockTable::remove_from_page(uint32_t node) {
    const Node& n = nodes_[node];
    if (n.page_next != kNone) nodes_[n.page_next].page_prev = n.page_prev;
    if (n.page_prev != kNone) {
        nodes_[n.page_prev].page_next = n.page_next;
    } else if (n.page_next != kNone) {
        page_heads_[n.key.pc >> 12] = n.page_next;
    } else {
        page_heads_.erase(n.key.pc >> 12);
    }
}

void BlockTable::add(const BlockKey& key, uint64_t end_pc, const void* entry, std::vector<LinkSite> sites,
                     std::vector<AccessRecord> accesses) {
    forget(key);  // a recompilation replaces the old block
    const uint32_t node = node_for(key);
    nodes_[node].entry = entry;
    nodes_[node].end_pc = end_pc;
    add_to_page(node);
    for (const LinkSite& site : sites) new_site(site, node, node_for(site.target));
    accesses_.insert(accesses_.end(), accesses.begin(), accesses.end());

    if (!chaining_) return;
    // Incoming jumps (including this block's own jumps to itself) go straight here;
    // outgoing jumps to blocks that already exist go straight there.
    for (uint32_t site = nodes_[node].incoming; site != kNone; site = sites_[site].next_incoming) {
        link(sites_[site].link, entry);
        ++chained_links_;
    }
    for (uint32_t site = nodes_[node].outgoing; site != kNone; site = sites_[site].next_outgoing) {
        const uint32_t target = sites_[site].target;
        if (target == node || !nodes_[target].entry) continue;
        link(sites_[site].link, nodes_[target].entry);
        ++chained_links_;
    }
    abi::IndirectEntry& slot = indirect_[abi::indirect_index(key.pc)];
    slot = {key.pc, key.flags, entry, 0};
}

void BlockTable::forget(const BlockKey& key) {
    const uint32_t node = index_.find(key);
    if (node == kNone || !nodes_[node].entry) return;
    for (uint32_t site = nodes_[node].incoming; site != kNone; site = sites_[site].next_incoming)
        unlink(sites_[site].link);
    // The block's own jump sites are dead code from now on.
    for (uint32_t site = nodes_[node].outgoing; site != kNone;) {
        const uint32_t next = sites_[site].next_outgoing, target = sites_[site].target;
        detach_incoming(site);
        free_sites_.push_back(site);
        if (target != node) release_if_unused(target);
        site = next;
    }
    abi::IndirectEntry& slot = indirect_[abi::indirect_index(key.pc)];
    if (slot.pc == key.pc && slot.flags == key.flags) slot = kEmptyEntry;
    remove_from_page(node);
    nodes_[node].entry = nullptr;
    nodes_[node].outgoing = kNone;
    release_if_unused(node);
}

void BlockTable::invalidate(uint64_t lo, uint64_t hi) {
    if (hi <= lo) return;
    // Blocks never cross a page: only those of the pages of [lo, hi) (and the
    // one before, which cannot reach lo but costs nothing to look at) overlap.
    // One starting in the range overlaps it even if empty (a fetch fault at its first instruction).
    const uint64_t first = (lo >> 12) - (lo >= 0x1000 ? 1 : 0), last = (hi - 1) >> 12;
    std::vector<BlockKey> doomed;
    auto collect = [&](uint32_t head) {
        for (uint32_t node = head; node != kNone; node = nodes_[node].page_next) {
            const Node& n = nodes_[node];
            if (n.key.pc < hi && std::max(n.end_pc, n.key.pc + 1) > lo) doomed.push_back(n.key);
        }
    };
    if (last - first < page_heads_.size()) {
        for (uint64_t page = first; page <= last; ++page)
            if (auto it = page_heads_.find(page); it != page_heads_.end()) collect(it->second);
    } else {
        for (const auto& [page, head] : page_heads_)
            if (page >= first && page <= last) collect(head);
    }
    for (const BlockKey& key : doomed) forget(key);
}

void BlockTable::invalidate_if(const std::function<bool(const BlockKey&)>& doomed) {
    std::vector<BlockKey> keys;
    for (const Node& node : nodes_)
        if (node.entry && doomed(node.key)) keys.push_back(node.key);
    for (const BlockKey& key : keys) forget(key);
}

void BlockTable::clear() {
    index_.clear();
    nodes_.clear();
    free_nodes_.clear();
    sites_.clear();
    free_sites_.clear();
    page_heads_.clear();
    accesses_.clear();
    clear_indirect();
}

void BlockTable::clear_indirect() {
    for (size_t i = 0; i < (size_t{1} << abi::kIndirectTableBits); ++i) indirect_[i] = kEmptyEntry;
}

bool BlockTable::guest_pc_for_host_pc(uintptr_t host_pc, uint64_t& guest_pc) const {
    auto it = std::upper_bound(accesses_.begin(), accesses_.end(), host_pc,
                               [](uintptr_t pc, const AccessRecord& r) { return pc < r.begin; });
    if (it == accesses_.begin()) return false;
    --it;
    if (host_pc >= it->end) return false;
    guest_pc = it->guest_pc;
    return true;
}

}  // namespace ferry::x64
