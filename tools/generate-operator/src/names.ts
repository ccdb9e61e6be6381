import type { RegionName } from './pakistan';
import { SeededRandom } from './prng';

/** A name part in Latin transliteration and in Urdu script. */
type NamePart = readonly [latin: string, urdu: string];

const MALE: readonly NamePart[] = [
  ['Ahmed', 'احمد'],
  ['Ali', 'علی'],
  ['Hassan', 'حسن'],
  ['Hussain', 'حسین'],
  ['Usman', 'عثمان'],
  ['Bilal', 'بلال'],
  ['Imran', 'عمران'],
  ['Kamran', 'کامران'],
  ['Asif', 'آصف'],
  ['Tariq', 'طارق'],
  ['Faisal', 'فیصل'],
  ['Zeeshan', 'ذیشان'],
  ['Hamza', 'حمزہ'],
  ['Umar', 'عمر'],
  ['Saad', 'سعد'],
  ['Shahid', 'شاہد'],
  ['Naveed', 'نوید'],
  ['Adnan', 'عدنان'],
  ['Fahad', 'فہد'],
  ['Waqas', 'وقاص'],
  ['Junaid', 'جنید'],
  ['Arslan', 'ارسلان'],
  ['Danish', 'دانش'],
  ['Yasir', 'یاسر'],
  ['Rizwan', 'رضوان'],
  ['Sohail', 'سہیل'],
  ['Irfan', 'عرفان'],
  ['Khalid', 'خالد'],
  ['Nadeem', 'ندیم'],
  ['Salman', 'سلمان'],
  ['Abdullah', 'عبداللہ'],
  ['Zubair', 'زبیر'],
  ['Farhan', 'فرحان'],
  ['Ibrahim', 'ابراہیم'],
  ['Mustafa', 'مصطفیٰ'],
];

const FEMALE: readonly NamePart[] = [
  ['Ayesha', 'عائشہ'],
  ['Fatima', 'فاطمہ'],
  ['Zainab', 'زینب'],
  ['Maryam', 'مریم'],
  ['Sana', 'ثناء'],
  ['Hina', 'حنا'],
  ['Amna', 'آمنہ'],
  ['Sadia', 'سعدیہ'],
  ['Nadia', 'نادیہ'],
  ['Rabia', 'رابعہ'],
  ['Saima', 'صائمہ'],
  ['Bushra', 'بشریٰ'],
  ['Mehwish', 'مہوش'],
  ['Iqra', 'اقراء'],
  ['Kiran', 'کرن'],
  ['Sidra', 'سدرہ'],
  ['Noor', 'نور'],
  ['Hira', 'حرا'],
  ['Samina', 'ثمینہ'],
  ['Shazia', 'شازیہ'],
  ['Farah', 'فرح'],
  ['Asma', 'اسماء'],
  ['Uzma', 'عظمیٰ'],
  ['Naila', 'نائلہ'],
  ['Rukhsana', 'رخسانہ'],
  ['Khadija', 'خدیجہ'],
  ['Mahnoor', 'ماہ نور'],
  ['Aliya', 'عالیہ'],
];

const MUHAMMAD: NamePart = ['Muhammad', 'محمد'];

const SURNAMES: readonly NamePart[] = [
  ['Khan', 'خان'],
  ['Ahmed', 'احمد'],
  ['Malik', 'ملک'],
  ['Qureshi', 'قریشی'],
  ['Siddiqui', 'صدیقی'],
  ['Sheikh', 'شیخ'],
  ['Hussain', 'حسین'],
  ['Shah', 'شاہ'],
  ['Mirza', 'مرزا'],
  ['Javed', 'جاوید'],
  ['Iqbal', 'اقبال'],
  ['Akhtar', 'اختر'],
  ['Raza', 'رضا'],
  ['Hashmi', 'ہاشمی'],
  ['Gilani', 'گیلانی'],
  ['Anwar', 'انور'],
  ['Rehman', 'رحمان'],
  ['Aslam', 'اسلم'],
];

/** Family names more common in one region, mixed with the general list. */
const REGIONAL_SURNAMES: Record<RegionName, readonly NamePart[]> = {
  PUNJAB: [
    ['Butt', 'بٹ'],
    ['Chaudhry', 'چوہدری'],
    ['Awan', 'اعوان'],
    ['Rajput', 'راجپوت'],
    ['Bhatti', 'بھٹی'],
    ['Gondal', 'گوندل'],
  ],
  SINDH: [
    ['Memon', 'میمن'],
    ['Soomro', 'سومرو'],
    ['Bhutto', 'بھٹو'],
    ['Shaikh', 'شیخ'],
    ['Jatoi', 'جتوئی'],
  ],
  KHYBER_PAKHTUNKHWA: [
    ['Yousafzai', 'یوسفزئی'],
    ['Afridi', 'آفریدی'],
    ['Khattak', 'خٹک'],
    ['Durrani', 'درانی'],
    ['Mohmand', 'مہمند'],
  ],
  BALOCHISTAN: [
    ['Baloch', 'بلوچ'],
    ['Bugti', 'بگٹی'],
    ['Mengal', 'مینگل'],
    ['Jamali', 'جمالی'],
    ['Marri', 'مری'],
  ],
  ISLAMABAD: [
    ['Abbasi', 'عباسی'],
    ['Satti', 'ستی'],
    ['Kiyani', 'کیانی'],
  ],
  GILGIT_BALTISTAN: [
    ['Baig', 'بیگ'],
    ['Shigri', 'شگری'],
    ['Hunzai', 'ہنزائی'],
  ],
  AZAD_KASHMIR: [
    ['Rathore', 'راٹھور'],
    ['Abbasi', 'عباسی'],
    ['Sudhan', 'سدھن'],
  ],
};

export interface GeneratedName {
  /** As it appears in subscribers.csv: Latin, or Urdu script for some Urdu speakers. */
  display: string;
  /** Latin form, for email addresses. */
  latin: readonly string[];
  urduScript: boolean;
}

/** e.g. `Muhammad Ahmed Khan`, `Ayesha Siddiqui`, `عائشہ صدیقی`. */
export function personName(
  random: SeededRandom,
  female: boolean,
  region: RegionName,
  urduScript: boolean,
): GeneratedName {
  const parts: NamePart[] = [];
  if (!female && random.chance(0.3)) parts.push(MUHAMMAD);
  parts.push(random.pick(female ? FEMALE : MALE));
  const regional = REGIONAL_SURNAMES[region];
  parts.push(random.chance(0.5) ? random.pick(regional) : random.pick(SURNAMES));
  return {
    display: parts.map(([latin, urdu]) => (urduScript ? urdu : latin)).join(' '),
    latin: parts.map(([latin]) => latin),
    urduScript,
  };
}

const EMAIL_DOMAINS: readonly string[] = [
  'gmail.com',
  'gmail.com',
  'gmail.com',
  'gmail.com',
  'gmail.com',
  'yahoo.com',
  'yahoo.com',
  'hotmail.com',
  'outlook.com',
  'live.com',
];

/** `ayesha.siddiqui42@gmail.com`; the number keeps addresses mostly distinct across people with one name. */
export function emailFor(random: SeededRandom, name: GeneratedName, personIndex: number): string {
  const parts = name.latin.filter((part) => part !== 'Muhammad');
  const local = parts.map((part) => part.toLowerCase()).join(random.chance(0.5) ? '.' : '_');
  return `${local}${personIndex % 1000}@${random.pick(EMAIL_DOMAINS)}`;
}
