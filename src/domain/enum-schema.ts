import { Type, type TUnsafe } from '@sinclair/typebox';

/** A string enum as JSON Schema `{type: string, enum}` whose static type is the union of the values. */
export function StringEnum<const T extends readonly string[]>(values: T, description?: string): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
}
