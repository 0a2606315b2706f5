export * from './qbo.service';
