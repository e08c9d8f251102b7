// GraphiQL for analysts at /graphiql, built into the app's bundle (a second
// Vite entry, graphiql.html) so it loads nothing from a CDN.
import { explorerPlugin } from '@graphiql/plugin-explorer';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { examplesPlugin } from './examples';
import { kehuFetcher } from './fetcher';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import './graphiql.css';

const fetcher = kehuFetcher();
const plugins = [examplesPlugin, explorerPlugin()];

const root = document.getElementById('graphiql');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <GraphiQL fetcher={fetcher} plugins={plugins} defaultEditorToolsVisibility="variables" />
    </StrictMode>,
  );
  openExamplesAtStart();
}

// GraphiQL 4 leaves its plugin pane hidden when a plugin is made visible by
// a prop before the first paint, so the examples are opened the way a user
// does, with their sidebar button, unless another plugin is open.
function openExamplesAtStart(tries = 50) {
  const button = document.querySelector<HTMLButtonElement>(`.graphiql-sidebar button[aria-label="Show ${examplesPlugin.title}"]`);
  if (!button) {
    if (tries > 0) setTimeout(() => openExamplesAtStart(tries - 1), 100);
    return;
  }
  // On a phone the pane would cover the editor: the button stays one tap away.
  if (!document.querySelector('.graphiql-sidebar button.active') && window.innerWidth >= 700) button.click();
}
