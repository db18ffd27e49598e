import { Controller, Get, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../../common/auth/auth.decorators';
import { Permission } from '../../core/permissions';
import { FeedbackExportService } from './feedback-export.service';

@ApiTags('alerts')
@Controller('alerts/feedback')
export class AlertFeedbackController {
  constructor(private readonly exporter: FeedbackExportService) {}

  @Get('export')
  @RequirePermission(Permission.SYSTEM_CONFIG)
  @ApiOperation({
    summary: 'Export analyst feedback as training data',
    description:
      'Every feedback example (a false positive’s flow with the analyst’s label) as a CIC-IDS2017 ' +
      'MachineLearningCVE CSV: the 78 feature columns in the dataset’s own header spelling, then ` Label`; ' +
      'oldest first, streamed. `model:train` reads it as is. Requires `system_config`: retraining the model is ' +
      'an administrator’s task, and the file holds raw traffic features of the monitored network.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'The CSV file', schema: { type: 'string', format: 'binary' } })
  exportCsv(): StreamableFile {
    return new StreamableFile(this.exporter.exportCsv(), {
      type: 'text/csv; charset=utf-8',
      disposition: 'attachment; filename="feedback-examples.csv"',
    });
  }
}
