export * from './catalogue';
export * from './message-schemas';
export * from './connector-subjects';
export * from './rules-subjects';
