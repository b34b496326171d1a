// Shared by the tests that compare two ways of rendering: what a call gave, its output or its
// error's message, as one comparable value.
export const outcome = (render) => {
  try {
    return { output: render() };
  } catch (error) {
    return { error: error.message };
  }
};
