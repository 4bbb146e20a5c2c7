/** The results site's rate limits per client (a module of its own: `serve --help` needs them without loading fastify). */
export interface RateLimits {
  /** Searches per client per minute on /api/results. @defaultValue 30 */
  searchesPerMinute: number;
  /** Requests per client per minute on everything else. @defaultValue 120 */
  pagesPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { searchesPerMinute: 30, pagesPerMinute: 120 };
