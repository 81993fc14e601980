// Type stubs for test-only packages that ship without types.
declare module 'http-auth'
declare module 'oidc-provider'
