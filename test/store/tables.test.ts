import { expect } from 'chai';
import { sql } from 'kysely';
import ts from 'typescript';
import { harness } from '../support/harness.js';

// src/store/tables.ts is written by hand, and Kysely believes it: a column a migration renamed,
// dropped or made nullable, with tables.ts left as it was, would compile and fail at run time.
// Here the interfaces are read with the TypeScript checker and held against the schema the
// migrations built, table by table and column by column (name, nullability, kind of value).

type Kind = 'string' | 'number' | 'boolean' | 'Date' | 'string[]' | 'json';
interface Column {
  kind: Kind | `unexpected ${string}`;
  nullable: boolean;
}

/** What a PostgreSQL column gives back through pg (with the project's type parsers: a date is text). */
function pgKind(dataType: string, udt: string): Kind | `unexpected ${string}` {
  // the store's type parsers (src/store/db.ts) give a date as text and a bigint as a number
  if (['text', 'character varying', 'character', 'date'].includes(dataType)) return 'string';
  if (['integer', 'smallint', 'bigint', 'double precision', 'real'].includes(dataType)) return 'number';
  if (dataType === 'boolean') return 'boolean';
  if (dataType === 'timestamp with time zone') return 'Date';
  if (dataType === 'json' || dataType === 'jsonb') return 'json';
  if (dataType === 'ARRAY' && ['_text', '_varchar'].includes(udt)) return 'string[]';
  return `unexpected ${dataType} ${udt}`;
}

const PRIMITIVE = new Set(['string', 'number', 'boolean', 'Date', 'string[]']);
/** A json column may be declared unknown or as the object it holds; anything else must match. */
const sameKind = (db: Column['kind'], declared: Column['kind']) =>
  db === 'json' ? !PRIMITIVE.has(declared) : declared === 'json' ? false : db === declared;

/** Each table of `DB` in tables.ts: its columns as a select sees them. */
function declaredTables(): Map<string, Map<string, Column>> {
  const file = 'src/store/tables.ts';
  const program = ts.createProgram([file], {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`${file} not found`);
  const db = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'DB');
  if (!db) throw new Error('no interface DB in tables.ts');
  const selectType = (t: ts.Type): ts.Type => {
    // ColumnType<Select, Insert, Update> (Generated<T> and aliases of them too) is an object whose
    // __select__ is what a select gives
    const select = t.getProperty('__select__');
    return select && !t.isUnion() ? checker.getTypeOfSymbol(select) : t;
  };
  const kindOf = (t: ts.Type): Column => {
    const parts = t.isUnion() ? t.types : [t];
    const nullable = parts.some((p) => p.flags & ts.TypeFlags.Null);
    const rest = parts.filter((p) => !(p.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)));
    const all = (flag: ts.TypeFlags) => rest.length > 0 && rest.every((p) => p.flags & flag);
    let kind: Column['kind'] = `unexpected ${checker.typeToString(t)}`;
    if (all(ts.TypeFlags.StringLike)) kind = 'string';
    else if (all(ts.TypeFlags.NumberLike)) kind = 'number';
    else if (all(ts.TypeFlags.BooleanLike)) kind = 'boolean';
    else if (rest.length === 1 && rest[0]!.flags & ts.TypeFlags.Unknown) kind = 'json';
    else if (rest.length === 1 && checker.typeToString(rest[0]!) === 'Date') kind = 'Date';
    else if (rest.length === 1 && checker.typeToString(rest[0]!) === 'string[]') kind = 'string[]';
    // a boolean is the union true | false
    else if (rest.every((p) => p.flags & ts.TypeFlags.BooleanLiteral)) kind = 'boolean';
    return { kind, nullable };
  };
  const tables = new Map<string, Map<string, Column>>();
  for (const member of db.members) {
    if (!ts.isPropertySignature(member) || !member.type) continue;
    const table = checker.getTypeAtLocation(member.type);
    const columns = new Map<string, Column>();
    for (const prop of table.getProperties()) columns.set(prop.name, kindOf(selectType(checker.getTypeOfSymbol(prop))));
    tables.set((member.name as ts.Identifier).text, columns);
  }
  return tables;
}

describe('the storage types (src/store/tables.ts)', () => {
  it('name every table and column the migrations made, each nullable exactly when the database says so, of the kind it holds', async () => {
    const h = await harness();
    const { rows } = await sql<{ table_name: string; column_name: string; is_nullable: 'YES' | 'NO'; data_type: string; udt_name: string }>`
      select c.table_name, c.column_name, c.is_nullable, c.data_type, c.udt_name
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema() and t.table_type = 'BASE TABLE' and c.table_name not like 'kysely\\_%'
      order by c.table_name, c.ordinal_position`.execute(h.runtime.store.db);
    const built = new Map<string, Map<string, Column>>();
    for (const r of rows) {
      const columns = built.get(r.table_name) ?? new Map<string, Column>();
      columns.set(r.column_name, { kind: pgKind(r.data_type, r.udt_name), nullable: r.is_nullable === 'YES' });
      built.set(r.table_name, columns);
    }
    const declared = declaredTables();
    expect([...declared.keys()].sort(), 'tables').to.deep.equal([...built.keys()].sort());
    const differences: string[] = [];
    for (const [table, columns] of built) {
      const mine = declared.get(table) ?? new Map<string, Column>();
      for (const name of new Set([...columns.keys(), ...mine.keys()])) {
        const db = columns.get(name);
        const ts = mine.get(name);
        if (!db) differences.push(`${table}.${name}: in tables.ts, not in the database`);
        else if (!ts) differences.push(`${table}.${name}: in the database, not in tables.ts`);
        // unknown (a json column declared as such) admits null
        else if ((db.nullable !== ts.nullable && ts.kind !== 'json') || !sameKind(db.kind, ts.kind)) {
          differences.push(
            `${table}.${name}: database ${db.kind}${db.nullable ? ' | null' : ''}, tables.ts ${ts.kind}${ts.nullable ? ' | null' : ''}`,
          );
        }
      }
    }
    expect(differences).to.deep.equal([]);
  });
});
