/** Two projects: `memory` (pure core, golden files, CLI; no network) and `redis` (real Redis). */
const tsJest = ['ts-jest', {}];
module.exports = {
  // One folder for the run's temporary work folders, removed at the end (test/temp-root.setup.ts).
  globalSetup: '<rootDir>/test/temp-root.setup.ts',
  globalTeardown: '<rootDir>/test/temp-root.teardown.ts',
  projects: [
    {
      displayName: 'memory',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.redis\\.test\\.ts$'],
    },
    {
      displayName: 'redis',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/**/*.redis.test.ts'],
      // Fails the project when Redis does not answer (never skips).
      globalSetup: '<rootDir>/test/redis/global-setup.ts',
    },
  ],
};
