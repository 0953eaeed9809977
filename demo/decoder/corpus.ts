/**
 * The fixed English text the test tokenizer's merges are learned from. Written for this
 * project; it only has to contain common English words, punctuation, digits and the chat
 * vocabulary so that frequent words become single tokens.
 */
export const TOKENIZER_CORPUS = `
A sluice is a gate that controls how much water flows through a channel. When the gate is open,
the water runs fast and the mill wheel turns; when it is closed, the water waits behind it and
the level rises slowly. The miller learns to read the river: in spring the water is high and
cold, in summer it is low and warm, and in autumn the leaves float down and block the gate.

A model server works in much the same way. Requests arrive from many clients at once, and the
server decides which of them run now and which of them wait. If too many requests run at the
same time, the memory fills up and every answer becomes slow. If too few run, the hardware
sits idle and the queue grows. The scheduler is the gate, and the batch is the water that
passes through it in one step.

Text generation adds a second problem. Each answer is produced one token at a time, and each
new token depends on all the tokens that came before it. The model keeps a cache of keys and
values for every layer, so that it does not have to read the whole conversation again for each
new word. The cache grows with every step, and it must be freed when the answer is finished.

The user asks a question and the assistant answers it. "What is the capital of France?" asked
the user. "The capital of France is Paris," said the assistant. "Can you write a short poem
about the sea?" "Of course. The sea is wide and the sea is deep; it sings the sailors off to
sleep." The system tells the assistant how to behave: be helpful, be honest, and keep the
answer short when the question is simple.

Numbers appear in text too: 1, 2, 3, 10, 42, 100, 256, 1024, 2026. A price of 9.99 or a time
of 12:30 should be read as it is written. Lists are common: first, second, third; red, green,
blue; north, south, east and west. Questions end with a question mark, and exclamations end
with an exclamation mark! Some sentences contain quotes, (parentheses), [brackets] and
{braces}, or a hyphen-joined word such as well-known and long-term.

They said that they would come back later. We think that this is the right way to do it. He
was here yesterday, but she is here today. It is not what you say, it is how you say it. There
are many things that we can learn from the past, and there will be more that we learn in the
future. I would like to know more about the world, the people in it, and the stories they tell.

function add(a, b) { return a + b; } const total = add(2, 3); if (total > 4) { print(total); }
The quick brown fox jumps over the lazy dog. The five boxing wizards jump quickly. How vexingly
quick daft zebras jump! Pack my box with five dozen liquor jugs.
`;
