// avsc's types-only entry point (no files, streams or RPC services): the package's own typings describe it.
declare module 'avsc/etc/browser/avsc-types.js' {
  import type avro from 'avsc';

  const types: { Type: typeof avro.Type; types: typeof avro.types };
  export default types;
}
