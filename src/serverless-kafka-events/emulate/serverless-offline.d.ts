/** serverless-offline ships no types; this is the one module of it the plugin imports (its public export). */
declare module 'serverless-offline/lambda' {
  const Lambda: new (serverless: unknown, options: unknown) => unknown;
  export default Lambda;
}
