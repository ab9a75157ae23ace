// Keyboard moves of a tab list (WAI-ARIA tabs pattern, horizontal, automatic activation): which tab
// a key selects. Pure, so the viewer's tab list and its unit test share one definition.

/** The index of the tab `key` moves to from tab `index` of `count`; null: the key is not a tab move. */
export function tabKeyTarget(key: string, index: number, count: number): number | null {
  if (count <= 0) return null;
  switch (key) {
    case 'ArrowRight':
      return (index + 1) % count;
    case 'ArrowLeft':
      return (index - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
