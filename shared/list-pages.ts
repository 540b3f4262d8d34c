/** Rows a list asks for first (a first screen draws sooner from fewer). Main reads as many ahead at start (MailService.prepareFirstScreen). */
export const PAGE_SIZE = 200;
