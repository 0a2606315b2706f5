export * from './gateway.service';
