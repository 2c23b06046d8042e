// The official `files.com` package ships no type declarations.
declare module 'files.com/lib/Files.js' {
  const Files: {
    setApiKey(key: string): void;
    setBaseUrl(url: string): void;
    setLogLevel?(level: unknown): void;
    configureDebugging?(options: Record<string, boolean>): void;
    LogLevel?: Record<string, unknown>;
  };
  export default Files;
}
declare module 'files.com/lib/models/User.js' {
  const User: { list(params?: Record<string, unknown>): Promise<unknown[]> };
  export default User;
}
