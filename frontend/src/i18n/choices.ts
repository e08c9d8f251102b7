// Suggested values of profile fields that are free text in the API (客户来源,
// 员工规模, 年营收): the value stored is the Chinese wording the worksheets
// use, the label follows the user's language. A value that is not in a list
// (typed by hand, imported) shows as it is. The lists include every value the
// demo data uses (test/choices.test.ts reads internal/demo/words.go).
import type { Label } from './enums';

export type Choices = Readonly<Record<string, Label>>;

export const SOURCE_CHOICES: Choices = {
  展会: { zh: '展会', en: 'Trade fair' },
  线上咨询: { zh: '线上咨询', en: 'Online enquiry' },
  转介绍: { zh: '转介绍', en: 'Referral' },
  官网注册: { zh: '官网注册', en: 'Website sign-up' },
  电话咨询: { zh: '电话咨询', en: 'Phone enquiry' },
  广告投放: { zh: '广告投放', en: 'Advertising' },
  老客户推荐: { zh: '老客户推荐', en: 'Customer recommendation' },
  渠道合作: { zh: '渠道合作', en: 'Channel partner' },
};

export const EMPLOYEE_BAND_CHOICES: Choices = {
  '20人以下': { zh: '20人以下', en: 'Under 20 staff' },
  '20-99人': { zh: '20-99人', en: '20–99 staff' },
  '100-499人': { zh: '100-499人', en: '100–499 staff' },
  '500-999人': { zh: '500-999人', en: '500–999 staff' },
  '1000人以上': { zh: '1000人以上', en: '1,000+ staff' },
};

export const REVENUE_BAND_CHOICES: Choices = {
  '500万以下': { zh: '500万以下', en: 'Under ¥5M' },
  '500万-2000万': { zh: '500万-2000万', en: '¥5M–20M' },
  '2000万-5000万': { zh: '2000万-5000万', en: '¥20M–50M' },
  '5000万-2亿': { zh: '5000万-2亿', en: '¥50M–200M' },
  '2亿-10亿': { zh: '2亿-10亿', en: '¥200M–1B' },
  '10亿以上': { zh: '10亿以上', en: 'Over ¥1B' },
};
