import type { CodegenConfig } from '@graphql-codegen/cli';

// Types and typed documents come from the server's schema: a schema change
// that breaks an operation of the app breaks `npm run build`.
const config: CodegenConfig = {
  schema: '../schema.graphqls',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: 'string',
        useTypeImports: true,
        enumsAsConst: true,
        strictScalars: true,
        scalars: { Time: 'string', Date: 'string', Money: 'string', TimeBound: 'string', DateBound: 'string', Duration: 'string', Decimal: 'string', WhereValue: 'Record<string, unknown>', JSONObject: 'Record<string, unknown>', Upload: 'File' },
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
        skipTypename: true,
      },
    },
  },
};

export default config;
