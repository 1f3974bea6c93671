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

const void* BlockTable::find(const BlockKey& key) const {
    // The indirect table holds a recent block per slot (and never a dropped one): most lookups stop there.
    abi::IndirectEntry& slot = indirect_[abi::indirect_index(key.pc)];
    if (slot.pc == key.pc && slot.flags == key.flags) return slot.code;
    auto it = blocks_.find(key);
    if (it == blocks_.end()) return nullptr;
    // The dispatcher only sees a known block after its slot went to another
    // one: take the slot back, so that the next indirect jump there hits.
    slot = {key.pc, key.flags, it->second.entry, 0};
    return it->second.entry;
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

void BlockTable::add(const BlockKey& key, uint64_t end_pc, const void* entry, std::vector<LinkSite> sites,
                     std::vector<AccessRecord> accesses) {
    forget(key);  // a recompilation replaces the old block
    BlockInfo info{entry, end_pc, {}};
    for (LinkSite& site : sites) {
        size_t index;
        if (free_sites_.empty()) {
            index = sites_.size();
            sites_.push_back(site);
        } else {
            index = free_sites_.back();
            free_sites_.pop_back();
            sites_[index] = site;
        }
        info.outgoing.push_back(index);
        sites_by_target_[site.target].push_back(index);
    }
    const BlockInfo& added = blocks_.insert_or_assign(key, std::move(info)).first->second;
    by_pc_.emplace(key.pc, key.flags);
    accesses_.insert(accesses_.end(), accesses.begin(), accesses.end());

    if (!chaining_) return;
    // Incoming jumps (including this block's own jumps to itself) go straight here;
    // outgoing jumps to blocks that already exist go straight there.
    if (auto in = sites_by_target_.find(key); in != sites_by_target_.end())
        for (size_t index : in->second) {
            link(sites_[index], entry);
            ++chained_links_;
        }
    for (size_t index : added.outgoing) {
        LinkSite& site = sites_[index];
        if (site.target == key) continue;
        if (const void* target = find(site.target)) {
            link(site, target);
            ++chained_links_;
        }
    }
    abi::IndirectEntry& slot = indirect_[abi::indirect_index(key.pc)];
    slot = {key.pc, key.flags, entry, 0};
}

void BlockTable::forget(const BlockKey& key) {
    auto it = blocks_.find(key);
    if (it == blocks_.end()) return;
    if (auto in = sites_by_target_.find(key); in != sites_by_target_.end())
        for (size_t index : in->second) unlink(sites_[index]);
    // The block's own jump sites are dead code from now on.
    for (size_t index : it->second.outgoing) {
        std::vector<size_t>& wanting = sites_by_target_[sites_[index].target];
        wanting.erase(std::find(wanting.begin(), wanting.end(), index));
        free_sites_.push_back(index);
    }
    abi::IndirectEntry& slot = indirect_[abi::indirect_index(key.pc)];
    if (slot.pc == key.pc && slot.flags == key.flags) slot = kEmptyEntry;
    blocks_.erase(it);
    by_pc_.erase({key.pc, key.flags});
}

void BlockTable::invalidate(uint64_t lo, uint64_t hi) {
    // Blocks never cross a page, so only those starting within a page before lo can overlap.
    std::vector<BlockKey> doomed;
    for (auto it = by_pc_.lower_bound({lo > 0x1000 ? lo - 0x1000 : 0, 0}); it != by_pc_.end() && it->first < hi; ++it) {
        const BlockKey key{it->first, it->second};
        const uint64_t end = std::max(blocks_.at(key).end_pc, key.pc + 1);
        if (end > lo) doomed.push_back(key);
    }
    for (const BlockKey& key : doomed) forget(key);
}

void BlockTable::invalidate_if(const std::function<bool(const BlockKey&)>& doomed) {
    std::vector<BlockKey> keys;
    for (const auto& [key, info] : blocks_)
        if (doomed(key)) keys.push_back(key);
    for (const BlockKey& key : keys) forget(key);
}

void BlockTable::clear() {
    blocks_.clear();
    by_pc_.clear();
    sites_.clear();
    free_sites_.clear();
    sites_by_target_.clear();
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
