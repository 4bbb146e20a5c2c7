import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { amountPayableText, amountBreakdown } from '../../../src/money/amount-payable';
import { parseOffering } from '../../../src/offering/load-offering';

const offering = parseOffering(readFileSync(path.join(__dirname, '../../../samples/offerings/0020-sensetime-2021.json'), 'utf8'));

/**
 * The announcement's table of amounts payable on application at HK$3.99, all 48 rows, as printed,
 * with the three OCR corrections the spec names: 8,000.42 -> 8,060.42; 80,004.14 -> 80,604.14;
 * 8006,041.45 -> 806,041.45.
 */
const ANNOUNCEMENT_TABLE: [number, string][] = [
  [1000, '4,030.21'], [2000, '8,060.42'], [3000, '12,090.62'], [4000, '16,120.83'], [5000, '20,151.04'],
  [6000, '24,181.25'], [7000, '28,211.45'], [8000, '32,241.66'], [9000, '36,271.87'], [10000, '40,302.08'],
  [15000, '60,453.11'], [20000, '80,604.14'], [25000, '100,755.18'], [30000, '120,906.22'], [35000, '141,057.25'],
  [40000, '161,208.29'], [45000, '181,359.33'], [50000, '201,510.37'], [60000, '241,812.43'], [70000, '282,114.51'],
  [80000, '322,416.58'], [90000, '362,718.66'], [100000, '403,020.72'], [200000, '806,041.45'], [300000, '1,209,062.17'],
  [400000, '1,612,082.89'], [500000, '2,015,103.62'], [600000, '2,418,124.34'], [700000, '2,821,145.06'],
  [800000, '3,224,165.78'], [900000, '3,627,186.51'], [1000000, '4,030,207.23'], [2000000, '8,060,414.46'],
  [3000000, '12,090,621.69'], [4000000, '16,120,828.92'], [5000000, '20,151,036.15'], [6000000, '24,181,243.38'],
  [7000000, '28,211,450.61'], [8000000, '32,241,657.84'], [9000000, '36,271,865.07'], [10000000, '40,302,072.30'],
  [20000000, '80,604,144.60'], [30000000, '120,906,216.90'], [40000000, '161,208,289.20'], [50000000, '201,510,361.50'],
  [60000000, '241,812,433.80'], [70000000, '282,114,506.10'], [75000000, '302,265,542.25'],
];

describe('amount payable (spec: instruction-file.md, Amount payable)', () => {
  it('lists the same 48 permitted quantities as the announcement', () => {
    expect(offering.permitted_quantities).toEqual(ANNOUNCEMENT_TABLE.map(([q]) => q));
  });

  it.each(ANNOUNCEMENT_TABLE)('%i shares at HK$3.99 cost HK$%s', (shares, printed) => {
    expect(amountPayableText(shares, offering.price.maximum, offering.fees)).toBe(printed.replace(/,/g, ''));
  });

  it('rounds each fee half-up on its own, not the sum', () => {
    // 1,000 at 3.99: c = 3990; brokerage 39.90; SFC 0.10773 -> 0.11; SEHK 0.1995 -> 0.20.
    const b = amountBreakdown(1000, '3.99', offering.fees);
    expect(b.fees.map((f) => f.amount.toFixed(2))).toEqual(['39.90', '0.11', '0.20']);
    expect(b.total.toFixed(2)).toBe('4030.21');
  });

  it('takes a further levy as one more fee entry (AFRC 0.00015%)', () => {
    const fees = [...offering.fees, { name: 'afrc_transaction_levy', rate: '0.0000015' }];
    // 1,000 at 3.99: AFRC levy 0.005985 -> 0.01.
    expect(amountPayableText(1000, '3.99', fees)).toBe('4030.22');
  });

  it('computes at the final price for what is kept', () => {
    // 1,000 at 3.85: c = 3850; brokerage 38.50; SFC 0.10395 -> 0.10; SEHK 0.1925 -> 0.19.
    expect(amountPayableText(1000, '3.85', offering.fees)).toBe('3888.79');
  });
});
