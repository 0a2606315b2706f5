import { Injectable } from '@nestjs/common';

/**
 * The sandbox's notion of the current time. Tests and the demo move it forward through
 * `POST /__sandbox/clock` to expire OAuth codes and tokens without waiting.
 */
@Injectable()
export class SandboxClock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  advance(milliseconds: number): void {
    this.offsetMs += milliseconds;
  }

  reset(): void {
    this.offsetMs = 0;
  }

  get offsetMilliseconds(): number {
    return this.offsetMs;
  }
}
