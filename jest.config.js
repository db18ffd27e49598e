// Unit specs live beside the code (src, *.spec.ts); integration and e2e specs in test/ (*.e2e-spec.ts).
const swc = JSON.parse(require('fs').readFileSync(`${__dirname}/.swcrc`, 'utf8'));
const transform = {
  '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }],
  // a few dependencies ship ES modules only (Node loads them with require(); Jest needs them transformed)
  '^.+/node_modules/(content-disposition)/.+\\.js$': ['@swc/jest', { ...swc, swcrc: false }],
};
const transformIgnorePatterns = ['/node_modules/(?!(content-disposition)/)'];

module.exports = {
  testEnvironment: 'node',
  // e2e specs start and stop applications against real services; a loaded CI machine needs more than 5 s
  testTimeout: 30000,
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform,
  projects: [
    { displayName: 'unit', testEnvironment: 'node', transform, transformIgnorePatterns, testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.ts'] },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/response-scan.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
