// The viewer tab list's keyboard moves: arrows wrap around, Home/End jump, other keys are not moves.
import { describe, expect, it } from 'vitest';
import { tabKeyTarget } from './tab-keys.ts';

describe('tabKeyTarget', () => {
  it.each([
    { key: 'ArrowRight', index: 0, target: 1 },
    { key: 'ArrowRight', index: 2, target: 0 },
    { key: 'ArrowLeft', index: 1, target: 0 },
    { key: 'ArrowLeft', index: 0, target: 2 },
    { key: 'Home', index: 2, target: 0 },
    { key: 'End', index: 0, target: 2 },
  ])('$key from tab $index of 3 selects tab $target', ({ key, index, target }) => {
    expect(tabKeyTarget(key, index, 3)).toBe(target);
  });

  it.each(['ArrowUp', 'ArrowDown', 'Enter', ' ', 'Tab', 'a'])('%j is not a tab move', (key) => {
    expect(tabKeyTarget(key, 1, 3)).toBeNull();
  });

  it('a list without tabs has no moves', () => {
    expect(tabKeyTarget('ArrowRight', 0, 0)).toBeNull();
  });
});
