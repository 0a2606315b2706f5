export * from './qbd.service';
