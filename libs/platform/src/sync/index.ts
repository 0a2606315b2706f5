export * from './sync-event.publisher';
