import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// dist/ holds a tracked .gitkeep (the Go side embeds `all:dist`), so Vite must
// not empty it: scripts/clean-dist.mjs removes the previous build instead.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    assetsDir: 'assets',
    target: 'es2020',
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      // The app, and GraphiQL for analysts (/graphiql, served by server/graphiql.go).
      input: { main: 'index.html', graphiql: 'graphiql.html' },
      output: {
        manualChunks(id) {
          if (!id.includes('node_modules')) return undefined;
          if (/node_modules\/(react|react-dom|scheduler|react-router|react-router-dom|@tanstack)\//.test(id)) return 'react';
          // Ant Design is left to Rollup: components only the lazy pages use
          // (DatePicker, Timeline, Descriptions...) load with those pages.
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: { '/graphql': 'http://127.0.0.1:8090', '/graphiql/examples.json': 'http://127.0.0.1:8090' },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
