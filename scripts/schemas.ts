/**
 * Writes the JSON Schemas of the content files to schemas/, for editors:
 * each content file's first line points at its schema, so a product owner
 * gets completion and underlines while typing. `npm run schemas` after a
 * schema change; a test fails when they are out of date.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemas } from '../bot/content/json-schemas';
import { ciOpenApi } from '../bot/content/openapi';

const dir = join(__dirname, '..', 'schemas');
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(jsonSchemas())) {
  writeFileSync(join(dir, `${name}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`schemas/${name}.schema.json`);
}

writeFileSync(join(__dirname, '..', 'integrations', 'ci', 'openapi.yaml'), ciOpenApi());
console.log('integrations/ci/openapi.yaml');
