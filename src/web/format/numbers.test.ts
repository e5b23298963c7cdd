import { describe, expect, it } from 'vitest';
import { formatHours } from './numbers.js';

describe('formatHours', () => {
  it('prints hours as the report and the CLI do (core/reports/toil.ts hours)', () => {
    expect(formatHours(0)).toBe('0 h');
    expect(formatHours(90)).toBe('1.5 h');
    expect(formatHours(74_070)).toBe('1,234.5 h');
    // Some toil, though it rounds to none: not "0 h".
    expect(formatHours(0.9)).toBe('< 0.1 h');
    expect(formatHours(3)).toBe('0.1 h');
  });
});
