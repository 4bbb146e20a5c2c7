/** The BullMQ queues' names (a module of its own: `worker --help` needs them without loading BullMQ). */
export const QUEUE_NAMES = ['ingest', 'allocate', 'export', 'provisional'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];
