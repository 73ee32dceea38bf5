/** The doctor's transcript: the steps so far, and the result they end in. */
import { commandsFor } from "./connection-doctor-commands";
import type { DoctorCode, DoctorInput, DoctorResult, DoctorStep } from "./connection-doctor-types";

export class Transcript {
  readonly steps: DoctorStep[] = [];
  private readonly commands: DoctorResult["commands"];

  constructor(private readonly input: DoctorInput) {
    this.commands = commandsFor(input);
  }

  step(title: string, ok: boolean, detail: string): void {
    this.steps.push({ title, ok, detail });
  }

  /** The answer: a failure with its code and explanation, or success (no code), with the steps taken. */
  result(code: DoctorCode | undefined, explanation: string | undefined, extra: Partial<DoctorResult> = {}): DoctorResult {
    return {
      ok: !code,
      code,
      mode: this.input.mode ?? "private",
      explanation,
      steps: this.steps,
      serverChain: [],
      commands: this.commands,
      ...extra,
    };
  }
}
