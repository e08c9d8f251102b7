import { describe, expect, it } from 'vitest';
import { enterAction, guardEnter } from '../src/lib/enterKey';

describe('enterAction', () => {
  const cases: [string, Parameters<typeof enterAction>[0], ReturnType<typeof enterAction>][] = [
    ['Enter in a date box does not submit', { key: 'Enter', tag: 'INPUT' }, 'block'],
    ['Enter in a text line does not submit', { key: 'Enter', tag: 'input' }, 'block'],
    ['Enter in a text area is a new line', { key: 'Enter', tag: 'TEXTAREA' }, 'pass'],
    ['Enter on a button presses it', { key: 'Enter', tag: 'BUTTON' }, 'pass'],
    ['Enter confirming Chinese input is left alone', { key: 'Enter', tag: 'INPUT', composing: true }, 'pass'],
    ['Ctrl+Enter in a field submits', { key: 'Enter', tag: 'INPUT', ctrlKey: true }, 'submit'],
    ['⌘+Enter in a text area submits', { key: 'Enter', tag: 'TEXTAREA', metaKey: true }, 'submit'],
    ['Ctrl+Enter on a button is the button', { key: 'Enter', tag: 'BUTTON', ctrlKey: true }, 'pass'],
    ['other keys pass', { key: 'a', tag: 'INPUT' }, 'pass'],
  ];
  it.each(cases)('%s', (_name, k, want) => {
    expect(enterAction(k)).toBe(want);
  });
});

describe('guardEnter', () => {
  const event = (key: string, tagName: string, ctrlKey = false) => {
    const e = { key, ctrlKey, metaKey: false, target: { tagName }, nativeEvent: {}, prevented: false, preventDefault: () => (e.prevented = true) };
    return e;
  };
  it('prevents the browser from submitting on Enter and does not save', () => {
    let saved = 0;
    const e = event('Enter', 'INPUT');
    guardEnter(() => saved++)(e);
    expect(e.prevented).toBe(true);
    expect(saved).toBe(0);
  });
  it('saves on Ctrl+Enter', () => {
    let saved = 0;
    guardEnter(() => saved++)(event('Enter', 'INPUT', true));
    expect(saved).toBe(1);
  });
});
