import { Controller, Get } from '@nestjs/common';

/** Liveness and readiness probes. The sandbox keeps no external connections, so both are static. */
@Controller('health')
export class HealthController {
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  ready() {
    return { status: 'ok' };
  }
}
