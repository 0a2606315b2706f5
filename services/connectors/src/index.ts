export * from './connectors.service';
