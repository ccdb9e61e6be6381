import { Module } from '@nestjs/common';
import { LookupController } from '../lookup/lookup.controller';
import { LookupService } from '../lookup/lookup.service';
import { OwningServicesClient } from '../lookup/owning-services.client';
import { PersonController } from './person.controller';
import { PersonRepository } from './person.repository';
import { PersonService } from './person.service';

@Module({
  controllers: [LookupController, PersonController],
  providers: [PersonRepository, PersonService, LookupService, OwningServicesClient],
  exports: [PersonRepository, OwningServicesClient],
})
export class PersonModule {}
