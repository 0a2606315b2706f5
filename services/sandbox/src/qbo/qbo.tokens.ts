/** Injection token of the XsdCatalogue loaded from the fixtures folder. */
export const XSD_CATALOGUE = Symbol('XSD_CATALOGUE');
