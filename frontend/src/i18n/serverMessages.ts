// The server's validation messages are English sentences (safe to show).
// In Chinese the app shows the known ones in Chinese; anything unknown is
// shown as the server wrote it.
type Rule = [RegExp, (m: RegExpExecArray) => string];

const ZH_RULES: Rule[] = [
  [/^is required$/, () => '必填'],
  [/^must be at most (\d+) characters$/, (m) => `最多 ${m[1]} 个字`],
  [/^must be at least (\d+) characters$/, (m) => `至少 ${m[1]} 个字符`],
  [/^is not valid UTF-8 text$|^must be valid text$/, () => '包含无效字符'],
  [/^must not contain control characters$/, () => '不能包含控制字符'],
  [/^must not contain a resident ID number/, () => '不能包含身份证号码（隐私保护：禁止记录证件号码）'],
  [/^".*" is not an allowed value$/, () => '不是允许的取值'],
  [/^is not a valid unified social credit code/, () => '统一社会信用代码无效（18 位，需符合 GB 32100-2015 校验位）'],
  [/^must be an http:\/\/ or https:\/\/ address$/, () => '网址须以 http:// 或 https:// 开头'],
  [/^must not be in the future$/, () => '不能晚于当前时间'],
  [/^must be after 1800$/, () => '须晚于 1800 年'],
  [/^must have at most (\d+) tags$/, (m) => `最多 ${m[1]} 个标签`],
  [/^must be a mobile number/, () => '请输入手机号（13812345678）、带区号的座机（010-12345678）或 400/800 号码'],
  [/^must be an e-mail address/, () => '请输入有效的邮箱地址，例如 name@example.com'],
  [/^must not contain spaces$/, () => '不能包含空格'],
  [/^must not be less than budgetMin$/, () => '不能小于预算下限'],
  [/^must not be negative$/, () => '不能为负数'],
  [/^is too large$/, () => '数值过大'],
  [/^must be a decimal number of yuan/, () => '请输入金额（元），如 12500 或 12500.50'],
  [/^must have at most 2 decimal places$/, () => '最多两位小数'],
  [/^only managers may (assign|reassign)/, () => '只有经理可以把客户分配给他人'],
  [/^a customer must have an owner$/, () => '客户必须有负责人'],
  [/^must be between 0 and 100$/, () => '须在 0 到 100 之间'],
  [/^must be between 0 and 1440 minutes$/, () => '须在 0 到 1440 分钟之间'],
  [/is already used by another record$/, () => '已被其他记录使用'],
  [/^is not your current password$/, () => '当前密码不正确'],
  [/\(COMMON_PASSWORD\)$/, () => '这是最常见的密码之一，最先被猜到；请换一个自己的短语'],
  [/\(TRIVIAL_PASSWORD\)$/, () => '不能是重复的字符、重复的模式或连续的字符（如 abcdef、123456）'],
  [/\(CONTAINS_EMAIL\)$/, () => '不能是自己的邮箱或邮箱名加数字、符号'],
  [/\(SAME_PASSWORD\)$/, () => '新密码不能与当前密码相同'],
  [/is not a date YYYY-MM-DD$/, () => '日期格式应为 YYYY-MM-DD'],
  [/is not an active user$/, () => '不是有效的在职用户'],
  [/is an analyst: analysts cannot own or collaborate on customers$/, () => '是分析员：分析员不能担任负责人或协作人'],
  [/^no such contact on this customer$/, () => '该客户没有这个联系人'],
  [/^no such need on this customer$/, () => '该客户没有这条需求'],
  [/^no such interaction on this customer$/, () => '该客户没有这条互动记录（可能已被他人删除）'],
  [/^no such deal on this customer$/, () => '该客户没有这条成交记录（可能已被他人删除）'],
  [/^no such record on this customer$/, () => '该记录已不存在（可能已被他人删除）'],
  [/^this interaction has no next action$/, () => '这条互动没有下一步行动'],
  [/^must be one of ADMIN/, () => '角色无效'],
  [/^you cannot take away your own administrator role$/, () => '不能取消自己的管理员角色'],
  [/^you cannot disable your own account$/, () => '不能停用自己的账号'],
  [/has at most \d+/, () => '已达到数量上限'],
  [/^wrong email or password$/, () => '邮箱或密码错误'],
  // The query line (parseQuery): the position is shown apart.
  [/^expected a value after "(.+)"$/, (m) => `“${m[1]}”后面缺少取值`],
  [/^expected "\)" to close the "\(" at (\d+)$/, (m) => `缺少“)”，与第 ${m[1]} 个字符处的“(”配对`],
  [/^unexpected "\)" without a matching "\("$/, () => '多了一个“)”'],
  [/^expected a closing quotation mark/, () => '引号没有闭合'],
  [/^unknown field "(.+?)"/, (m) => `没有“${m[1]}”这个字段（要搜索这段文字，请加上引号）`],
  [/^(.+) is not a ([\w-]+): expected one of (.+?)( or a label such as .+)?$/, (m) => `${m[1]} 不是有效的 ${m[2]}，可选：${m[3]}`],
  [/^a relative time needs < or >/, () => '相对时间前要写 < 或 >：如 created:<30d 表示最近 30 天内，created:>30d 表示 30 天以前'],
  [/^expected a term after "(OR|AND|-)"$/, (m) => `“${m[1]}”后面缺少条件`],
];

export function translateServerMessage(message: string, lang: 'zh' | 'en'): string {
  if (lang === 'en') return message;
  for (const [re, fn] of ZH_RULES) {
    const m = re.exec(message);
    if (m) return fn(m);
  }
  return message;
}
