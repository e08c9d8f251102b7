// The docs' GraphQL examples (GET /graphiql/examples.json, read by the server
// from the docs embedded in the binary), each one click from a new tab.
import { useEditorContext, type GraphiQLPlugin } from '@graphiql/react';
import { Kind, parse } from 'graphql';
import { useEffect, useState } from 'react';

export interface DocExample {
  file: string;
  section: string;
  title: string;
  query: string;
  variables?: string;
  as?: string;
}

const zh = typeof navigator !== 'undefined' && !navigator.language.toLowerCase().startsWith('en');
const t = {
  title: zh ? '文档示例' : 'Examples from the docs',
  intro: zh
    ? '点击示例在新标签页中打开，再按 ▶ 运行。请求带着应用的登录会话：请先在应用中登录（演示账号密码 kehu-demo-2026）。变量里的 "<…>" 请换成你的数据。'
    : 'Click an example to open it in a new tab, then press ▶. Requests carry the app\'s session: sign in to the app first (demo password kehu-demo-2026). Replace "<…>" in the variables with your data.',
  loading: zh ? '加载中…' : 'Loading…',
  failed: zh ? '无法读取示例' : 'The examples could not be read',
  as: zh ? '以此用户运行：' : 'Run as: ',
};

/** The root fields an example asks for ("mutation recordDeal"). */
export function rootFields(query: string): string {
  try {
    const doc = parse(query);
    return doc.definitions
      .flatMap((d) =>
        d.kind === Kind.OPERATION_DEFINITION
          ? [`${d.operation === 'query' ? '' : `${d.operation} `}${d.selectionSet.selections.map((s) => (s.kind === Kind.FIELD ? s.name.value : '…')).join(', ')}`]
          : [],
      )
      .join('; ');
  } catch {
    return query.trim().split('\n')[0] ?? '';
  }
}

/** The example's name in the list: its prose, else the fields it asks for. */
export function exampleName(e: DocExample): string {
  const text = e.title.replace(/[`*]/g, '').replace(/:$/, '').trim();
  if (text) return text.length > 90 ? `${text.slice(0, 88)}…` : text;
  return rootFields(e.query);
}

function ExamplesContent() {
  const editor = useEditorContext({ nonNull: true });
  const [examples, setExamples] = useState<DocExample[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    fetch('/graphiql/examples.json', { credentials: 'same-origin' })
      .then((r) => (r.ok ? (r.json() as Promise<DocExample[]>) : Promise.reject(new Error(String(r.status)))))
      .then(setExamples, () => setFailed(true));
  }, []);

  const open = (e: DocExample) => {
    editor.addTab();
    // The new tab's editors are filled once it is the active one.
    setTimeout(() => {
      editor.queryEditor?.setValue(e.query);
      editor.variableEditor?.setValue(e.variables ?? '');
    }, 0);
  };

  let body;
  if (failed) body = <p>{t.failed}</p>;
  else if (!examples) body = <p>{t.loading}</p>;
  else {
    let last = '';
    body = (
      <ul className="kehu-examples">
        {examples.map((e, i) => {
          const heading = `${e.file} · ${e.section}`;
          const show = heading !== last;
          last = heading;
          return (
            <li key={i}>
              {show && <div className="kehu-examples-section">{heading}</div>}
              <button type="button" onClick={() => open(e)} title={e.query}>
                {exampleName(e)}
              </button>
              {e.as && (
                <div className="kehu-examples-as">
                  {t.as}
                  {e.as}
                </div>
              )}
            </li>
          );
        })}
      </ul>
    );
  }
  return (
    <div>
      <div className="graphiql-doc-explorer-title">{t.title}</div>
      <p className="kehu-examples-intro">{t.intro}</p>
      {body}
    </div>
  );
}

function ExamplesIcon() {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.5">
      <path d="M4 5h16M4 10h16M4 15h10M4 20h7" strokeLinecap="round" />
    </svg>
  );
}

export const examplesPlugin: GraphiQLPlugin = {
  title: zh ? '示例' : 'Examples',
  icon: ExamplesIcon,
  content: ExamplesContent,
};
