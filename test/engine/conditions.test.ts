import { holds, test as check } from '../../bot/engine/conditions';

describe('conditions', () => {
  it.each([
    [75, '>= 70', true],
    [69, '>= 70', false],
    [0.7, '>= 0.7', true],
    [0.2, '< 0.3', true],
    ['tech_support', '!= tech_support', false],
    ['billing', '!= tech_support', true],
    [null, '!= tech_support', true],
    [['mobile', 'tv'], 'lacks broadband', true],
    [['mobile', 'broadband'], 'has broadband', true],
    [null, 'unset', true],
    ['', 'set', false],
    ['gold', ['gold', 'platinum'], true],
    [true, true, true],
    [0, 0, true],
    ['75', '>= 70', false],
  ] as const)('%p against %p → %p', (fact, expected, result) => {
    expect(check(fact as never, expected as never)).toBe(result);
  });

  it('needs every key to hold', () => {
    expect(holds({ segment: 'platinum', intent: '!= tech_support' }, { segment: 'platinum', intent: 'billing_dispute' })).toBe(true);
    expect(holds({ segment: 'platinum', intent: '!= tech_support' }, { segment: 'platinum', intent: 'tech_support' })).toBe(false);
    expect(holds(undefined, {})).toBe(true);
  });
});
