export * from './rules.service';
