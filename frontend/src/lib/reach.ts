// Reaching a contact from the phone: which contact, and the tel: link.
//
// WeChat has no public link that opens a chat or the add-friend page for a
// WeChat ID (weixin:// only opens the app; weixin://dl/chat is undocumented
// and refused from browsers), so the app copies the ID and says where to
// paste it.

export interface Reachable {
  name: string;
  phone: string;
  wechat: string;
  primary: boolean;
}

/** The contact to call: the primary one, else the first with a phone or WeChat, else the first. */
export function contactToReach<C extends Reachable>(contacts: readonly C[]): C | null {
  return contacts.find((c) => c.primary) ?? contacts.find((c) => c.phone || c.wechat) ?? contacts[0] ?? null;
}

/**
 * The tel: URI of a phone number as people write it (0571-8888 6666,
 * +86 138 0013 8000, 010-12345678 转 801), or null when it has no number to
 * dial. An extension is dialled after a pause (a comma, RFC 3966 visual
 * separators aside). A masked number (138****5678) is never dialled.
 */
export function telHref(phone: string): string | null {
  const s = phone.trim();
  if (!s || s.includes('*')) return null;
  const [main = '', ext] = s.split(/\s*(?:转|分机|ext\.?|x|#)\s*/i);
  const plus = main.trimStart().startsWith('+');
  const digits = main.replace(/[^0-9]/g, '');
  if (digits.length < 3) return null;
  const extDigits = (ext ?? '').replace(/[^0-9]/g, '');
  return `tel:${plus ? '+' : ''}${digits}${extDigits ? `,${extDigits}` : ''}`;
}
