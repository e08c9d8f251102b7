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
      <GraphiQL fetcher={fetcher} plugins={plugins} visiblePlugin={examplesPlugin} defaultEditorToolsVisibility="variables" />
    </StrictMode>,
  );
}
