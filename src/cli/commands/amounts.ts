import { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { loadOfferingFile } from '../../io/config-files';
import { amountPayableText } from '../../money/amount-payable';
import { UsageError } from '../../domain/errors';
import { checkFinalPrice } from '../../allocate/sizing';

/** `amounts --offering FILE`: the offering's table of amounts payable as CSV `shares,amount`. */
export function registerAmounts(program: Command, io: CliIo): void {
  program
    .command('amounts')
    .description("print the offering's table of amounts payable on application (at the maximum price) as CSV shares,amount")
    .requiredOption('--offering <file>', 'offering JSON file')
    .option('--price <price>', 'price per share, within the offer price range, at most 3 decimals (default: the maximum offer price)')
    .action((opts: { offering: string; price?: string }) => {
      const offering = loadOfferingFile(opts.offering);
      // The same rule as --final-price: a decimal with at most 3 places inside the price range (exit 2).
      if (opts.price !== undefined && !/^(0|[1-9][0-9]*)(\.[0-9]{1,3})?$/.test(opts.price)) throw new UsageError(`--price "${opts.price}" is not a price such as 3.99 (at most 3 decimals)`);
      const price = opts.price === undefined ? offering.price.maximum : checkFinalPrice(opts.price, offering, '--price').toString();
      const lines = ['shares,amount', ...offering.permitted_quantities.map((q) => `${q},${amountPayableText(q, price, offering.fees)}`)];
      io.stdout(lines.join('\n') + '\n');
    });
}
