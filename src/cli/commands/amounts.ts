import { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { loadOfferingFile } from '../../io/config-files';
import { amountPayableText } from '../../money/amount-payable';

/** `amounts --offering FILE`: the offering's table of amounts payable as CSV `shares,amount`. */
export function registerAmounts(program: Command, io: CliIo): void {
  program
    .command('amounts')
    .description("print the offering's table of amounts payable on application (at the maximum price) as CSV shares,amount")
    .requiredOption('--offering <file>', 'offering JSON file')
    .option('--price <price>', 'price per share (default: the maximum offer price)')
    .action((opts: { offering: string; price?: string }) => {
      const offering = loadOfferingFile(opts.offering);
      const price = opts.price ?? offering.price.maximum;
      const lines = ['shares,amount', ...offering.permitted_quantities.map((q) => `${q},${amountPayableText(q, price, offering.fees)}`)];
      io.stdout(lines.join('\n') + '\n');
    });
}
