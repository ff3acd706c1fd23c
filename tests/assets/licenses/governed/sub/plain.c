/* Page-table walker: no licence text here, the folder's COPYING governs it. */

int walk(int level) { return level - 1; }
