import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemas } from '../../bot/content/json-schemas';
import { root } from '../support/harness';

describe('JSON Schemas for editors', () => {
  it.each(Object.entries(jsonSchemas()))('schemas/%s.schema.json matches the zod schema (run npm run schemas)', (name, schema) => {
    const onDisk = JSON.parse(readFileSync(join(root, 'schemas', `${name}.schema.json`), 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(schema)));
  });
});
