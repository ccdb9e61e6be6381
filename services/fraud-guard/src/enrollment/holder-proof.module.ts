import { Global, Module } from '@nestjs/common';
import { HOLDER_PROOF_VERIFIER } from '@bnp/auth';
import { ActivationModule } from '../activation/activation.module';
import { EnrollmentHolderProof } from './holder-proof.verifier';

/** Global so the platform's AuthGuard (libs/auth) finds the verifier for routes declared `orHolderProof`. */
@Global()
@Module({
  imports: [ActivationModule],
  providers: [EnrollmentHolderProof, { provide: HOLDER_PROOF_VERIFIER, useExisting: EnrollmentHolderProof }],
  exports: [EnrollmentHolderProof, HOLDER_PROOF_VERIFIER],
})
export class HolderProofModule {}
