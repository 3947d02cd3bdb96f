/**
 * The TypeScript type a JSON schema describes, for the subset of JSON Schema the
 * detector configuration uses (`enum`, `type` number/integer/string/boolean/array/object,
 * `items`, `properties`, `required`, `default`). A property is required in the type when
 * the schema lists it in `required` or gives it a `default` (ajv's `useDefaults` fills it
 * in before the value is used); every other property is optional.
 *
 * @example
 * const schema = { type: 'object', properties: { n: { type: 'integer', default: 1 }, s: { type: 'string' } } } as const;
 * type T = FromSchema<typeof schema>; // { n: number; s?: string }
 */
export type FromSchema<S> = S extends { readonly enum: readonly (infer E)[] }
  ? E
  : S extends { readonly type: 'integer' | 'number' }
    ? number
    : S extends { readonly type: 'string' }
      ? string
      : S extends { readonly type: 'boolean' }
        ? boolean
        : S extends { readonly type: 'array'; readonly items: infer I }
          ? FromSchema<I>[]
          : S extends { readonly type: 'object'; readonly properties: infer P }
            ? ObjectFromSchema<P, PresentKeys<P, S>>
            : never;

/** Keys always present after validation: listed in `required`, or given a `default`. */
type PresentKeys<P, S> =
  | { [K in keyof P]: P[K] extends { readonly default: unknown } ? K : never }[keyof P]
  | (S extends { readonly required: readonly (infer R)[] } ? R : never);

type ObjectFromSchema<P, Present> = Flatten<
  { -readonly [K in keyof P as K extends Present ? K : never]: FromSchema<P[K]> } & {
    -readonly [K in keyof P as K extends Present ? never : K]?: FromSchema<P[K]>;
  }
>;

/** One object type instead of an intersection, so editors and error messages show the fields. */
type Flatten<T> = { [K in keyof T]: T[K] };
