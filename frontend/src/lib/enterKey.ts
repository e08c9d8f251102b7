// Enter in a field of a form: what it does. Browsers submit a form when Enter
// is pressed in a one-line input ("implicit submission"), so Enter that
// confirms a date, picks an option or ends a line saved a whole entry half
// typed. In the app's record forms Enter never submits; Ctrl/⌘+Enter does,
// on purpose, from any field. The sign-in and password forms keep the
// browser's Enter (that is what a user expects there).

export interface EnterKey {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  /** An input method is composing (Chinese input confirms with Enter). */
  composing?: boolean;
  /** The tag name of the element the key went to (INPUT, TEXTAREA, BUTTON...). */
  tag: string;
}

/** 'submit' (Ctrl/⌘+Enter), 'block' (Enter in a one-line input) or 'pass'. */
export function enterAction(k: EnterKey): 'submit' | 'block' | 'pass' {
  if (k.key !== 'Enter' || k.composing) return 'pass';
  const tag = k.tag.toUpperCase();
  if (k.ctrlKey || k.metaKey) return tag === 'INPUT' || tag === 'TEXTAREA' ? 'submit' : 'pass';
  return tag === 'INPUT' ? 'block' : 'pass';
}

/**
 * The onKeyDown of a record form: Enter in a one-line input does not submit
 * (the field's own Enter, such as confirming a typed date, still works);
 * Ctrl/⌘+Enter calls submit.
 */
export function guardEnter(submit: () => void) {
  return (e: { key: string; ctrlKey: boolean; metaKey: boolean; target: unknown; nativeEvent: { isComposing?: boolean }; preventDefault: () => void }) => {
    const tag = (e.target as { tagName?: string }).tagName ?? '';
    const action = enterAction({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, composing: e.nativeEvent.isComposing, tag });
    if (action === 'pass') return;
    e.preventDefault();
    if (action === 'submit') submit();
  };
}
